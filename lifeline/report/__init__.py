"""The situation report face: a cited HTML document (inline SVG charts) and its PDF, in English or Arabic."""
