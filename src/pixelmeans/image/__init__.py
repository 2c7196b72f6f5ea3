"""Images inside pixelmeans: ``H×W×3 uint8`` sRGB pixels and a mask of the pixels that count.

Loading from any source, colour spaces, the exact colour histogram, nearest palette colour,
indexed files, connected regions of label maps. It knows nothing about K-means.
"""
