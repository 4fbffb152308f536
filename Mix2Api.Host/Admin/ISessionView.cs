namespace Mix2Api.Host.Admin;

/// <summary>Live sessions (fingerprints only). On Akka: the sharded entities' own state, asked through the region.</summary>
public interface ISessionView
{
    Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken);
}
