"""The bundled reference data set: HXL files written by the project from public figures, and their loader."""
