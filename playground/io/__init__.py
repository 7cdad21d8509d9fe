"""Files in and out: checkpoints, run folders, exports, and a user's own data."""
