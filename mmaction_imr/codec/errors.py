"""The one exception the codec layer raises for videos it cannot use."""

__all__ = ['CompressedVideoError', 'describe_error']


class CompressedVideoError(Exception):
    """A video that cannot be read as a compressed video.

    Raised for a missing or empty file, a path that is not a regular file, a
    truncated or corrupt file, a file without a (decodable) video stream, an
    all-intra video (no motion vectors at all), a video shorter than one GOP
    and a frame larger than the reader's pixel bound. Any other exception met
    while reading (``av.error.*``, ``UnicodeDecodeError``, numpy errors on
    damaged data) is wrapped into it with :func:`describe_error` as the
    reason, so that ``on_error='skip'`` catches every bad video.

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


def describe_error(err: BaseException) -> str:
    """``'<ExceptionType>: <message>'`` for an error message's reason part.

    FFmpeg errors carry the file name in ``str(err)``; their ``strerror``
    (FFmpeg's message alone) is used instead, so the name appears once, in
    the message that wraps this reason.

    Example:
        >>> describe_error(ValueError('bad size'))
        'ValueError: bad size'
    """
    msg = getattr(err, 'strerror', None) or str(err) or 'no message'
    return f'{type(err).__name__}: {msg}'
