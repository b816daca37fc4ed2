"""What the inventory says: the model, loading it with source lines, and the grammars of its values."""
