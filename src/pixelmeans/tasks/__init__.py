"""The image jobs: palette, quantize, compress, segment and elbow; roles, contrast and auto_k.

Each is a public function that checks its parameters once, loads the image, and works on
the image layer and the engine's core. Inside this layer, jobs build on each other in one
direction only (checked by ``make lint``): compress, segment, elbow, contrast and auto_k use
quantize or the palette fit; quantize and roles use the palette fit; the palette job uses
neither.
"""
