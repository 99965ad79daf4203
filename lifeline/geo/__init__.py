"""Maps without tiles: admin boundaries a user imports (GeoJSON, keyed by p-code), Gaza's shipped
schematic as the fallback, and their projection into SVG paths that every face draws the same way."""
