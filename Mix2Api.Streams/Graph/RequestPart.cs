using Akka.Streams;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// Reads one of the per-request parts (<see cref="UpstreamSource.Opener"/>, <see cref="ChatTurn.Parts"/>,
/// <see cref="ResponseSink.Target"/>) a stage of the shared blueprint is materialized with.
/// </summary>
internal static class RequestPart
{
    public static T Required<T>(Attributes attributes) where T : class, Attributes.IAttribute
        => attributes.GetAttribute<T>() ?? throw new InvalidOperationException(
            $"{typeof(T).DeclaringType?.Name} materialized without its {typeof(T).DeclaringType?.Name}.{typeof(T).Name} attribute");
}
