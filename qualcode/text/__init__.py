"""Text handling: decoding and normalisation, offsets, segmentation into units, speaker turns."""
