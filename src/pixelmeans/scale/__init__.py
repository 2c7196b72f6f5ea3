"""Scaling out: where work runs (this process or a Dask cluster), batches of images, and
tiled TIFFs of any size, tile by tile."""
