using System.Text.Json;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// One chat API as <see cref="RequestFuzzer"/> attacks it: where it is, what its requests are made of (the seeds
/// that mutations start from, the names and words structured bodies are built from, the headers its clients send),
/// how a client authenticates, and what its answers and its error envelope look like.
/// </summary>
/// <param name="Path">The route, relative to the broker's base address.</param>
/// <param name="Fields">Top-level request fields.</param>
/// <param name="InnerNames">Keys of nested objects (messages, content blocks, tools).</param>
/// <param name="Words">String values with a meaning somewhere in the request (roles, block types, choices).</param>
/// <param name="Seeds">Valid requests, the starting points of byte mutations.</param>
/// <param name="Messages">Valid messages (JSON objects), recombined in any order and number into new conversations.</param>
/// <param name="Options">Valid top-level <c>"field":value</c> pairs, recombined beside them.</param>
/// <param name="HeaderNames">Request headers the broker reads on this route.</param>
/// <param name="Authorize">Adds the credentials (and any other header a well-behaved client always sends).</param>
/// <param name="AssertAnswer">A 200: the answer is complete, streamed (<c>text/event-stream</c>) or not.</param>
/// <param name="AssertEnvelope">A 4xx whose body has an <c>error</c> object with string <c>message</c> and <c>type</c>: what
/// else this API's envelope has (the body's root, parsed).</param>
public sealed record FuzzedApi(
    string Path,
    string[] Fields,
    string[] InnerNames,
    string[] Words,
    string[] Seeds,
    string[] Messages,
    string[] Options,
    string[] HeaderNames,
    Action<HttpRequestMessage> Authorize,
    Action<string?, string> AssertAnswer,
    Action<JsonElement> AssertEnvelope);
