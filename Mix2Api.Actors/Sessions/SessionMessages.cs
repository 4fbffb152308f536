using Mix2Api.Actors.Runtime;

namespace Mix2Api.Actors.Sessions;

/// <summary>Messages a <see cref="SessionEntity"/> handles; the key is the entity's own, so it is not on the message.</summary>
public interface ISessionMessage;

/// <summary>Pick the ids for a new turn (ask).</summary>
public sealed record BeginTurn(SessionContext Context, Reply<TurnPlan> Reply) : ISessionMessage, IReplyable
{
    public void Fail(Exception exception) => Reply.Fail(exception);
}

/// <summary>Journal a finished (or abandoned) turn (ask; the reply tells whether it was written).</summary>
public sealed record EndTurn(SessionEvent? Event, Reply<bool> Reply) : ISessionMessage, IReplyable
{
    public void Fail(Exception exception) => Reply.Fail(exception);
}
