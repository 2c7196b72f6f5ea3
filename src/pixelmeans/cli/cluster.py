"""``pixelmeans cluster``: cluster an image data set (MNIST and friends) for several K."""

from __future__ import annotations

import argparse
import json
import sys

from ..datasets.loaders import load_dataset
from ..datasets.report import DatasetReport, centroid_grid, cluster_dataset
from ..errors import InvalidParameterError
from ..files.atomic import check_distinct_outputs, check_new_file, write_atomically
from ..image.formats import picture_format, save_picture
from .options import (
    activity,
    default_of,
    k_list,
    non_negative_int,
    positive_int,
    progress_bar,
)
from .progress import LiveTable, k_steps


def image_size(text: str) -> tuple[int, int]:
    """An argparse type: ``W,H`` (or ``WxH``), two positive whole numbers."""
    parts = text.replace("x", ",").replace("×", ",").split(",")
    if len(parts) != 2:
        msg = f"expected W,H (two whole numbers, e.g. 28,28), got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    width, height = (positive_int(part.strip()) for part in parts)
    return width, height


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
    sub.add_argument("--size", type=image_size, metavar="W,H",
                     help="a folder of images: resize every image to W×H pixels (needed when "
                          "their sizes differ)")
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
    sub.add_argument("--normalize", choices=("cluster", "label"),
                     help="with --plots: confusion matrices as shares of each cluster (its "
                          "purity) or of each label, rather than counts")
    sub.add_argument("--data-home", metavar="FOLDER",
                     help="where MNIST is (default: $PIXELMEANS_DATA or the user cache)")
    sub.add_argument("--download", action="store_true",
                     help="download MNIST if missing (checked by SHA-256)")
    sub.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    sub.add_argument("--force", action="store_true", help="replace existing output files")


def run(args: argparse.Namespace) -> int:
    if args.refine_steps and not args.minibatch:
        msg = ("--refine-steps needs --minibatch (full-batch K-means already runs its Lloyd "
               "steps to convergence)")
        raise InvalidParameterError(msg)
    if args.normalize and not args.plots:
        msg = "--normalize shapes the confusion matrices of --plots; give --plots FOLDER too"
        raise InvalidParameterError(msg)
    check_distinct_outputs(args.centroids or None, args.report or None, args.plots or None)
    if args.centroids:
        picture_format(args.centroids)
        check_new_file(args.centroids, overwrite=args.force)
    if args.report:
        check_new_file(args.report, overwrite=args.force)
    if args.plots:
        from ..plot import check_figures_folder

        check_figures_folder(args.plots)
    with activity("loading " + args.dataset):
        train, test = load_dataset(args.dataset, args.labels, data_path=args.data_home,
                                   download=args.download, size=args.size)
    if max(args.clusters) > len(train):
        msg = (f"{args.dataset}: {len(train):,} images, fewer than -k {max(args.clusters)} "
               "clusters")
        raise InvalidParameterError(msg)
    method = "minibatch" if args.minibatch else "kmeans"
    title = _title(train, method, "unlabelled" if train.labels is None else
                   "train" if test is None else "test")
    table = LiveTable(lambda rows: title + DatasetReport(tuple(rows), method, "").to_table())
    with progress_bar("fitting", *k_steps(args.clusters, "K")) as bar:
        table.progress = bar
        report = cluster_dataset(
            train.X, train.labels, args.clusters, method=method,
            X_test=None if test is None else test.X,
            y_test=None if test is None else test.labels,
            random_state=args.seed, refine_steps=args.refine_steps, progress=bar,
            on_result=table.add)
    table.finish(_title(train, report.method, report.evaluated_on) + report.to_table())
    _write_outputs(args, report, train)
    return 0


def _title(train, method: str, evaluated_on: str) -> str:
    return (f"{train.name}: {len(train):,} images of {train.image_shape}, {method}, "
            f"accuracy on {evaluated_on}\n")


def _write_outputs(args: argparse.Namespace, report: DatasetReport, train) -> None:
    """The centroid grid, the charts and the JSON report, each named on stderr."""
    written: list[object] = []
    if args.centroids:
        grid = centroid_grid(report.results[0], train.image_shape)
        written.append(save_picture(grid, args.centroids, overwrite=args.force))
    if args.plots:
        from ..plot import dataset_figures, save_figures

        with activity("drawing charts"):
            figures = dataset_figures(report, train.X, train.image_shape, train.class_names,
                                      normalize=args.normalize)
            folder = save_figures(args.plots, figures, overwrite=args.force)
        written.append(f"{folder}/ ({len(figures)} charts)")
    if args.report:
        text = json.dumps({"dataset": train.name, **report.to_dict()}, indent=2) + "\n"
        written.append(write_atomically(args.report, lambda tmp: tmp.write_text(text),
                                        overwrite=args.force))
    for what in written:
        print(f"pixelmeans: wrote {what}", file=sys.stderr)
