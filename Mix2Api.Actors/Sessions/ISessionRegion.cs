namespace Mix2Api.Actors.Sessions;

/// <summary>The entry to session entities (the Akka ShardRegion role): find the caller's session for a turn.</summary>
public interface ISessionRegion
{
    ValueTask<ISessionTurn> BeginTurnAsync(SessionContext context, CancellationToken cancellationToken);
}
