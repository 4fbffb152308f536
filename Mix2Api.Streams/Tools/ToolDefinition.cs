using System.Text.Json;

namespace Mix2Api.Streams.Tools;

/// <summary>A declared client function tool after normalisation (tools, bare schemas or legacy functions).</summary>
public sealed record ToolDefinition(string Name, string? Description, JsonElement? Parameters);
