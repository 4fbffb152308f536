namespace Mix2Api.Actors.Protocol;

/// <summary>
/// Marks a message that may cross the wire between nodes. Only these are bound to Hyperion (hocon/base.conf),
/// and Hyperion's allow-list names each of them: any other type is refused on both sides.
/// </summary>
public interface IMix2ApiMessage;
