using Akka.Streams;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// Reads one of the per-request parts (<see cref="UpstreamBody"/>, <see cref="AbortSwitch"/>, <see cref="ChatTurn.Parts"/>,
/// <see cref="ResponseSink.Target"/>) a stage of the shared blueprint is materialized with.
/// </summary>
internal static class RequestPart
{
    public static T Required<T>(Attributes attributes) where T : class, Attributes.IAttribute
        => attributes.GetAttribute<T>() ?? throw new InvalidOperationException(typeof(T).DeclaringType is { } stage
            ? $"{stage.Name} materialized without its {stage.Name}.{typeof(T).Name} attribute"
            : $"a request graph stage materialized without its {typeof(T).Name} attribute");
}
