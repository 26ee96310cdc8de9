// Compiles the shared precompiled header (the Catch2 main cannot use it).
