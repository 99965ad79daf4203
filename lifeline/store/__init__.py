"""The store: schema, connection with automatic migrations, and the query functions the model reads."""
