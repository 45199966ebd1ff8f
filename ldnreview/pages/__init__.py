"""One module per cross-cutting page (methods, how to cite, evidence map, dosing, safety, mechanism,
claims audit), each holding the sections of its page; ``common`` holds what they share."""
