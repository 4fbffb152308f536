namespace Mix2Api.Actors.Sessions;

/// <summary>Stateless region: every turn starts a new upstream session and carries the history.</summary>
public sealed class NoSessionRegion : ISessionRegion
{
    public ValueTask<ISessionTurn> BeginTurnAsync(SessionContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult<ISessionTurn>(new StatelessTurn(null));
}
