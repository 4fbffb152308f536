using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mix2Api.Streams.Output;

/// <summary>
/// The writer options of everything Mix2Api sends as JSON. Relaxed escaping keeps CJK as UTF-8 instead
/// of <c>\uXXXX</c> (a third of the bytes, as OpenAI sends it); nothing here is embedded in HTML.
/// </summary>
public static class RelaxedJson
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>For writers that emit root values piece by piece (SSE chunk assembly).</summary>
    public static readonly JsonWriterOptions Unvalidated = Options with { SkipValidation = true };
}
