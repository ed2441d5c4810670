"""The place-based team view: what the agreed plan allocates to each place, and its delivery."""
