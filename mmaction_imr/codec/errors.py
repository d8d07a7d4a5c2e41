"""The one exception the codec layer raises for videos it cannot use."""

__all__ = ['CompressedVideoError']


class CompressedVideoError(Exception):
    """A video that cannot be read as a compressed video.

    Raised for a missing or empty file, a truncated or corrupt file, a file
    without a video stream, an all-intra video (no motion vectors at all) and
    a video shorter than one GOP. FFmpeg errors (``av.error.*``) are wrapped
    into it with their message as the reason.

    Args:
        filename: Path of the video.
        reason: What is wrong with it, for a human.

    Example:
        >>> str(CompressedVideoError('a.mp4', 'empty file (0 bytes)'))
        'a.mp4: empty file (0 bytes)'
    """

    def __init__(self, filename: str, reason: str):
        self.filename = str(filename)
        self.reason = str(reason)
        super().__init__(f'{self.filename}: {self.reason}')

    def __reduce__(self):
        # Picklable with both fields (dataloader workers send errors back).
        return type(self), (self.filename, self.reason)
