"""The OAuth lab's and the provider's challenges, against the naive client and the naive provider."""
