"""Referee for saved animations: Debian's PIL and ffmpeg/ffprobe, never our own decoders.

  animation_check.py gif FILE           -> JSON: frames, size, durations, loop, comment, palette facts,
                                           and the mean RGB of named boxes of every composited frame
  animation_check.py mp4 FILE GIF       -> JSON: for each video frame, the GIF frame it looks most like
  animation_check.py png FILE           -> hex SHA-256 of the RGBA pixels PIL decodes
"""
import hashlib
import json
import struct
import subprocess
import sys

from PIL import Image, ImageChops, ImageStat


def gif_blocks(data):
    """Walks the GIF block structure: global table size and, per image, whether it has a local table."""
    assert data[:6] in (b"GIF87a", b"GIF89a"), "not a GIF"
    packed = data[10]
    global_table = 2 ** ((packed & 7) + 1) if packed & 0x80 else 0
    at = 13 + 3 * global_table
    local_tables = []
    while data[at] != 0x3B:
        if data[at] == 0x21:
            at += 2
            while data[at]:
                at += data[at] + 1
            at += 1
        elif data[at] == 0x2C:
            packed = data[at + 9]
            local_tables.append(bool(packed & 0x80))
            at += 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0) + 1
            while data[at]:
                at += data[at] + 1
            at += 1
        else:
            raise ValueError("bad block %x at %d" % (data[at], at))
    return global_table, local_tables


def gif(path):
    data = open(path, "rb").read()
    global_table, local_tables = gif_blocks(data)
    im = Image.open(path)
    durations, frames = [], []
    for k in range(im.n_frames):
        im.seek(k)
        durations.append(im.info.get("duration"))
        frames.append(im.convert("RGB"))
    w, h = im.size
    boxes = {
        "colourbar": (int(w * 0.90), int(h * 0.15), int(w * 0.96), int(h * 0.75)),
        "bottom_label": (int(w * 0.25), int(h * 0.80), int(w * 0.75), int(h * 0.92)),
        "map": (int(w * 0.20), int(h * 0.10), int(w * 0.75), int(h * 0.78)),
    }
    boxes = {name: box for name, box in boxes.items() if box[2] > box[0] and box[3] > box[1]}
    stats = {name: [[round(v, 3) for v in ImageStat.Stat(f.crop(box)).mean] for f in frames] for name, box in boxes.items()}
    # pixels that differ from the first frame, per frame, inside each box
    changed = {name: [sum(1 for p in ImageChops.difference(f.crop(box), frames[0].crop(box)).getdata() if p != (0, 0, 0)) for f in frames] for name, box in boxes.items()}
    colours = set()
    for f in frames:
        colours.update(c for _, c in f.getcolors(1 << 24))
    comment = im.info.get("comment", b"")
    print(json.dumps({"frames": im.n_frames, "size": [w, h], "durations_ms": durations, "loop": im.info.get("loop"),
                      "comment": comment.decode("latin1") if isinstance(comment, bytes) else comment,
                      "global_table": global_table, "local_tables": local_tables, "distinct_colours": len(colours),
                      "box_means": stats, "box_changed": changed}))


def mp4(path, gif_path):
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json", path],
                                      check=True, capture_output=True).stdout)
    w, h = probe["streams"][0]["width"], probe["streams"][0]["height"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    size = w * h * 3
    video = [Image.frombytes("RGB", (w, h), raw[i:i + size]) for i in range(0, len(raw), size)]
    im = Image.open(gif_path)
    stills = []
    for k in range(im.n_frames):
        im.seek(k)
        stills.append(im.convert("RGB"))
    def distance(a, b):
        return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean)
    print(json.dumps({"video_frames": len(video), "best_match": [min(range(len(stills)), key=lambda k: distance(v, stills[k])) for v in video]}))


def png(path):
    print(hashlib.sha256(Image.open(path).convert("RGBA").tobytes()).hexdigest())


if __name__ == "__main__":
    {"gif": lambda: gif(sys.argv[2]), "mp4": lambda: mp4(sys.argv[2], sys.argv[3]), "png": lambda: png(sys.argv[2])}[sys.argv[1]]()
