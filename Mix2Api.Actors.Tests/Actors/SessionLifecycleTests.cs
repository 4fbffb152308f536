using Mix2Api.Actors.Sessions;
using static Mix2Api.Actors.Sessions.SessionLifecycleState;

namespace Mix2Api.Tests.Actors;

public sealed class SessionLifecycleTests
{
    [Theory]
    [InlineData(Created, Active)]
    [InlineData(Created, Stopped)]
    [InlineData(Active, Passivating)]
    [InlineData(Active, Stopped)]
    [InlineData(Passivating, Stopped)]
    public void Transition_AlongTheDiagram_IsAllowed(SessionLifecycleState from, SessionLifecycleState to)
        => Assert.Equal(to, SessionLifecycle.Transition(from, to));

    [Theory]
    [InlineData(Created, Passivating)]
    [InlineData(Passivating, Active)]
    [InlineData(Stopped, Active)]
    [InlineData(Stopped, Created)]
    [InlineData(Active, Created)]
    public void Transition_AgainstTheDiagram_IsRejected(SessionLifecycleState from, SessionLifecycleState to)
    {
        var error = Assert.Throws<IllegalTransitionException>(() => SessionLifecycle.Transition(from, to));
        Assert.Equal((from, to), (error.From, error.To));
    }
}
