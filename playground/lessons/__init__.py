"""The teaching computations behind the lesson pages: cells traced by hand, gradients, units, decks."""
