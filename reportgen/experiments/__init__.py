"""The battery's experiments: plain functions from settings to typed, frozen result records."""
