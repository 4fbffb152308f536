namespace Mix2Api.Host.Upstream;

/// <summary>
/// The upstream connection broke the HTTP/1.1 contract or ended early. <see cref="Error"/> names what failed with
/// <see cref="HttpRequestError"/>'s names (what operators saw when the broker used <c>SocketsHttpHandler</c>).
/// </summary>
public sealed class UpstreamHttpException(HttpRequestError error, string message, Exception? inner = null) : IOException(message, inner)
{
    public HttpRequestError Error { get; } = error;

    /// <summary>Not one byte of the response arrived: on a reused connection the upstream may just have closed it.</summary>
    public bool NothingReceived { get; init; }

    public static UpstreamHttpException Invalid(string what) => new(HttpRequestError.InvalidResponse, "invalid upstream response: " + what);

    public static UpstreamHttpException Ended(bool nothingReceived = false, Exception? inner = null)
        => new(HttpRequestError.ResponseEnded, "the upstream closed the connection before the response ended", inner) { NothingReceived = nothingReceived };
}
