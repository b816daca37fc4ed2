"""What a change means for people: the drift report, semantic diffs, change plans and explain."""
