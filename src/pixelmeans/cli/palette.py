"""``pixelmeans palette``: the k dominant colours of an image (or its named roles), or of
each image of a batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InvalidParameterError
from ..files.atomic import (
    check_distinct_outputs,
    check_new_file,
    write_folder_atomically,
)
from ..files.paths import names_several
from ..image.formats import picture_format, save_picture
from ..render.cards import MAX_CARD_COLORS
from ..render.palette_files import BINARY_FORMATS, PROCREATE_MAX_COLORS
from ..render.palette_formats import PALETTE_FORMATS
from ..tasks.palette import SORT_KEYS, extract_palette
from ..tasks.roles import DEFAULT_ROLE_COLORS, ROLE_SPACES
from .auto import AUTO, add_count_or_auto, auto_target, count
from .options import (
    add_cluster_options,
    add_run_options,
    add_source,
    add_space,
    byte_value,
    default_of,
    on_terminal,
    progress_bar,
    read_source,
)
from .report import batch_summary, write_bytes, write_text

BATCH_SUFFIXES = (".csv", ".jsonl")
BATCH_FORMATS = ("text", "json", "csv")
ROLE_FORMATS = ("text", "json", "css")


def configure(sub: argparse.ArgumentParser) -> None:
    """Add the options of this command to its parser."""
    sub.description = ("Print the k dominant colours of an image and their shares (or its "
                       "named colour roles); optionally save a palette card picture or a "
                       "palette file for design tools.")
    add_source(sub, "image file, URL (http/https), '-' for standard input, or a folder or "
                    "glob pattern for one palette per image")
    add_count_or_auto(sub, default_of(extract_palette, "n_colors"), bytes_target=False)
    add_space(sub, default_of(extract_palette, "color_space"))
    sub.add_argument("--format", choices=(*PALETTE_FORMATS, "csv"), default="text",
                     help="output format (default: %(default)s); ase, swatches (Procreate) "
                          "and sketch are files: give -o; a batch takes text, json or csv")
    sub.add_argument("-o", "--output", "--out", metavar="FILE",
                     help="write the formatted palette to FILE instead of standard output "
                          "(for a folder or glob: .csv or .jsonl)")
    sub.add_argument("--swatch", metavar="OUT.png",
                     help="also save a palette card (each colour with its hex code and "
                          "share; the roles with --roles); for a batch, a folder of cards")
    sub.add_argument("--sort-by", choices=SORT_KEYS, default="share",
                     help="order of the colours (default: %(default)s)")
    sub.add_argument("--roles", action="store_true",
                     help="name the colours: Dominant, Vibrant, DarkVibrant, LightVibrant, "
                          f"Muted, DarkMuted, LightMuted (from {DEFAULT_ROLE_COLORS} colours "
                          "unless -k is given), with readable text colours")
    sub.add_argument("--role-space", choices=ROLE_SPACES, default=ROLE_SPACES[0],
                     help="with --roles: measure lightness and saturation in OKLCH or in HSL "
                          "as Android's Palette does (default: %(default)s)")
    sub.add_argument("--lock", metavar="COLOURS",
                     help="colours kept exactly in the palette, the others fitted around "
                          "them: '#ff6600,#003366' or a palette file")
    sub.add_argument("--exclude", metavar="COLOURS",
                     help="leave out pixels near these colours: 'white', 'black' or hex "
                          "codes, comma-separated (e.g. a white backdrop)")
    sub.add_argument("--exclude-within", type=float, metavar="DE",
                     default=default_of(extract_palette, "exclude_within"),
                     help="CIEDE2000 distance that counts as near for --exclude "
                          "(default: %(default)s)")
    sub.add_argument("--min-alpha", type=byte_value, metavar="A",
                     default=default_of(extract_palette, "min_alpha"),
                     help="pixels at least this opaque (0-255) count (default: %(default)s)")
    sub.add_argument("--full-decode", action="store_true",
                     help="decode every pixel of a large JPEG (by default one of 2 MP or "
                          "more is decoded at reduced size: several times faster, nearly the "
                          "same palette)")
    add_run_options(sub)
    add_cluster_options(sub)


def _options(args: argparse.Namespace) -> dict:
    """Keyword arguments of the library's palette functions from the command line."""
    exclude = [e for e in args.exclude.split(",") if e.strip()] if args.exclude else None
    return {"color_space": args.space, "random_state": args.seed,
            "max_pixels": args.max_pixels, "full_decode": args.full_decode,
            "fixed_colors": args.lock, "exclude": exclude,
            "exclude_within": args.exclude_within, "min_alpha": args.min_alpha}


def run(args: argparse.Namespace) -> int:
    target = auto_target(args)
    if not args.roles:
        args.colors = count(args, default_of(extract_palette, "n_colors"))
    if names_several(args.source):
        return _run_batch(args)
    _check_outputs(args)
    source = read_source(args.source)
    if args.roles:
        return _run_roles(args, source)
    if args.colors == AUTO:
        from ..tasks.auto_k import auto_palette

        if args.lock or args.exclude:
            msg = "-k auto does not take --lock or --exclude yet"
            raise InvalidParameterError(msg)
        palette, report = auto_palette(source, target["max_delta_e"], color_space=args.space,
                                       random_state=args.seed, max_pixels=args.max_pixels,
                                       full_decode=args.full_decode)
        print(f"pixelmeans: {report.describe()}", file=sys.stderr)
    else:
        palette = extract_palette(source, args.colors, **_options(args))
    palette = palette.sorted(args.sort_by)
    if args.swatch:
        _save_picture(palette.card(), args.swatch, args.force)
    if args.format in BINARY_FORMATS:
        if _to_stdout(args.output):
            write_bytes(palette.to_bytes(args.format), None, overwrite=args.force)
            return 0
        path = palette.save(args.output, args.format, overwrite=args.force)
        print(f"pixelmeans: wrote {path} ({args.format}, {len(palette)} colours)",
              file=sys.stderr)
        return 0
    output = None if _to_stdout(args.output) else args.output
    text = palette.format(args.format, color_blocks=not output and on_terminal())
    write_text(text, output, overwrite=args.force)
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, outputs that are wrong or would replace files."""
    if args.format == "csv":
        msg = "--format csv is for a folder or pattern of images (one row per image)"
        raise InvalidParameterError(msg)
    if args.format in BINARY_FORMATS and not args.output:
        msg = f"--format {args.format} writes a file: give -o FILE{BINARY_FORMATS[args.format]}"
        raise InvalidParameterError(msg)
    if args.roles and args.format not in ROLE_FORMATS:
        msg = f"--roles prints as {', '.join(ROLE_FORMATS)}; got --format {args.format}"
        raise InvalidParameterError(msg)
    if args.format == "swatches" and isinstance(args.colors, int) \
            and args.colors > PROCREATE_MAX_COLORS:
        msg = (f"--format swatches: Procreate palettes hold at most {PROCREATE_MAX_COLORS} "
               f"colours; got -k {args.colors}")
        raise InvalidParameterError(msg)
    _check_card(args)
    output = None if _to_stdout(args.output) else args.output
    check_distinct_outputs(args.swatch or None, output)
    inputs = (args.source, args.lock)
    if args.swatch:
        picture_format(args.swatch)
        check_new_file(args.swatch, overwrite=args.force, inputs=inputs)
    if output:
        check_new_file(output, overwrite=args.force, inputs=inputs)


def _check_card(args: argparse.Namespace) -> None:
    if args.swatch and isinstance(args.colors, int) and args.colors > MAX_CARD_COLORS:
        msg = (f"--swatch: a palette card shows at most {MAX_CARD_COLORS} colours; got "
               f"-k {args.colors}")
        raise InvalidParameterError(msg)


def _to_stdout(output: str | None) -> bool:
    """``-o -``: standard output, as without ``-o``."""
    return output == "-"


def _save_picture(picture, path: str, force: bool) -> None:
    save_picture(picture, path, overwrite=force)
    print(f"pixelmeans: wrote {path} ({picture.size[0]}×{picture.size[1]} card)",
          file=sys.stderr)


def _run_roles(args: argparse.Namespace, source) -> int:
    from ..tasks.roles import palette_roles

    if args.colors == AUTO:
        msg = "--roles takes a number of colours (default 16), not -k auto"
        raise InvalidParameterError(msg)
    n_colors = int(count(args, DEFAULT_ROLE_COLORS))
    roles = palette_roles(source, n_colors, space=args.role_space, **_options(args))
    if args.swatch:
        _save_picture(roles.card(), args.swatch, args.force)
    output = None if _to_stdout(args.output) else args.output
    write_text(roles.format(args.format), output, overwrite=args.force)
    return 0


def _run_batch(args: argparse.Namespace) -> int:
    # Imported here: a single image, the common case, starts faster without them.
    from ..scale.batch import (
        batch_palettes,
        find_images,
        output_paths,
        palettes_to_csv,
        palettes_to_jsonl,
    )
    from ..scale.runner import open_runner

    _check_batch(args)
    output = None if _to_stdout(args.output) else args.output
    suffix = Path(output).suffix.lower() if output else \
        (".csv" if args.format == "csv" else ".jsonl")
    if output:
        check_new_file(output, overwrite=args.force)
    paths, root = find_images(args.source)
    options = _options(args)
    with open_runner(args.scheduler, args.workers) as runner, progress_bar("images") as bar:
        results = batch_palettes(paths, args.colors, runner=runner, color_space=args.space,
                                 random_state=args.seed, max_pixels=args.max_pixels,
                                 full_decode=args.full_decode, progress=bar,
                                 fixed_colors=options["fixed_colors"],
                                 exclude=options["exclude"],
                                 exclude_within=options["exclude_within"],
                                 min_alpha=options["min_alpha"])
    results = [r if r.palette is None else r.with_palette(r.palette.sorted(args.sort_by))
               for r in results]
    if args.swatch:
        _save_cards(results, output_paths(paths, root, Path(".")), args)
    text = palettes_to_csv(results) if suffix == ".csv" else palettes_to_jsonl(results)
    write_text(text, output, overwrite=args.force)
    return batch_summary(results, "palettes", runner.description, sys.stderr)


def _check_batch(args: argparse.Namespace) -> None:
    """What a batch cannot do, refused before any work, with the reason."""
    if args.format not in BATCH_FORMATS:
        msg = (f"--format {args.format} holds one palette; for a folder or pattern use "
               "--format json (JSON lines) or csv, or run once per image")
        raise InvalidParameterError(msg)
    if args.output and not _to_stdout(args.output) and \
            Path(args.output).suffix.lower() not in BATCH_SUFFIXES:
        msg = f"{args.output}: palettes of a batch are written as .csv or .jsonl"
        raise InvalidParameterError(msg)
    if args.colors == AUTO or args.roles:
        msg = f"{'-k auto' if args.colors == AUTO else '--roles'} takes a single image"
        raise InvalidParameterError(msg)
    _check_card(args)
    if args.swatch and Path(args.swatch).suffix:
        msg = f"{args.swatch}: for a batch, --swatch names a folder for one card per image"
        raise InvalidParameterError(msg)


def _save_cards(results, names, args: argparse.Namespace) -> None:
    """One card per palette, named after its image (``names``: relative .png paths)."""
    def write(folder: Path) -> None:
        for result, name in zip(results, names, strict=True):
            if result.palette is not None:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                result.palette.card().save(folder / name)

    write_folder_atomically(args.swatch, write, overwrite=args.force)
    print(f"pixelmeans: wrote {sum(r.ok for r in results)} cards in {args.swatch}",
          file=sys.stderr)
