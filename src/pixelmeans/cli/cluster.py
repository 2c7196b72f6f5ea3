"""``pixelmeans cluster``: cluster an image data set (MNIST and friends) for several K."""

from __future__ import annotations

import argparse
import json
import sys

from ..datasets.loaders import load_dataset
from ..datasets.report import centroid_grid, cluster_dataset
from ..files.atomic import check_distinct_outputs, check_new_file, write_atomically
from ..image.formats import picture_format
from .options import (
    default_of,
    k_list,
    non_negative_int,
    progress_bar,
)


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("Fit K-means to an image data set for several K; "
                       "report accuracy, inertia, NMI, ARI, homogeneity.")
    sub.add_argument("dataset", metavar="DATASET",
                     help="mnist, digits, a folder (one sub-folder per label), an .npz "
                          "(X, y) or an IDX images file")
    sub.add_argument("labels", metavar="LABELS", nargs="?",
                     help="IDX labels file, with an IDX images file")
    default_k = default_of(cluster_dataset, "n_clusters")
    sub.add_argument("-k", "--clusters", type=k_list, default=[default_k], metavar="K[,K...]",
                     help=f"numbers of clusters (default: {default_k})")
    sub.add_argument("--minibatch", action="store_true", help="use mini-batch K-means")
    sub.add_argument("--refine-steps", type=non_negative_int, default=0, metavar="N",
                     help="with --minibatch: full-batch Lloyd steps after the mini-batches "
                          "(each one pass over the data; default: %(default)s)")
    sub.add_argument("--report", metavar="OUT.json", help="write the full report as JSON")
    sub.add_argument("--centroids", metavar="OUT.png",
                     help="draw the centres of the first K as a captioned grid")
    sub.add_argument("--plots", metavar="FOLDER",
                     help="save charts there: centroids, confusion matrix, accuracy and "
                          "inertia against K, nearest and farthest samples (needs the "
                          "'plot' extra)")
    sub.add_argument("--data-home", metavar="FOLDER",
                     help="where MNIST is (default: $PIXELMEANS_DATA or the user cache)")
    sub.add_argument("--download", action="store_true",
                     help="download MNIST if missing (checked by SHA-256)")
    sub.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    sub.add_argument("--force", action="store_true", help="replace existing output files")


def run(args: argparse.Namespace) -> int:
    check_distinct_outputs(args.centroids or None, args.report or None, args.plots or None)
    if args.centroids:
        picture_format(args.centroids)
        check_new_file(args.centroids, overwrite=args.force)
    if args.report:
        check_new_file(args.report, overwrite=args.force)
    if args.plots:
        from ..plot import check_figures_folder

        check_figures_folder(args.plots)
    train, test = load_dataset(args.dataset, args.labels, data_path=args.data_home,
                               download=args.download)
    with progress_bar("k") as bar:
        report = cluster_dataset(
            train.X, train.labels, args.clusters,
            method="minibatch" if args.minibatch else "kmeans",
            X_test=None if test is None else test.X,
            y_test=None if test is None else test.labels,
            random_state=args.seed, refine_steps=args.refine_steps, progress=bar)
    if args.centroids:
        grid = centroid_grid(report.results[0], train.image_shape)
        write_atomically(args.centroids,
                         lambda tmp: grid.save(tmp, format=picture_format(args.centroids)),
                         overwrite=args.force)
    if args.plots:
        from ..plot import dataset_figures, save_figures

        save_figures(args.plots, dataset_figures(report, train.X, train.image_shape,
                                                 train.class_names), overwrite=args.force)
    if args.report:
        text = json.dumps({"dataset": train.name, **report.to_dict()}, indent=2) + "\n"
        write_atomically(args.report, lambda tmp: tmp.write_text(text), overwrite=args.force)
    sys.stdout.write(f"{train.name}: {len(train):,} images of {train.image_shape}, "
                     f"{report.method}, accuracy on {report.evaluated_on}\n")
    sys.stdout.write(report.to_table())
    return 0
