"""The command-line face (Typer + Rich). Calls the core; the core never imports it."""
