using Mix2Api.Actors.Runtime;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>The actor runtime: one mailbox, supervision as data, passivation, piping long work back.</summary>
public sealed class ReceiveActorTests
{
    #region Protocol

    private interface ICounterMessage;
    private sealed record Add(int Amount) : ICounterMessage;
    private sealed record Boom(Exception Error) : ICounterMessage;
    private sealed record Get(Reply<int> Reply) : ICounterMessage, IReplyable
    {
        public void Fail(Exception exception) => Reply.Fail(exception);
    }
    private sealed record StartSlowWork(Task<int> Work) : ICounterMessage;
    private sealed record WorkDone(int Result) : ICounterMessage;
    private sealed record WorkFailed(Exception Error) : ICounterMessage;

    private sealed class Counter(ActorSettings settings) : ReceiveActor<ICounterMessage>(settings)
    {
        private int _value;
        public int Restarts;
        public int Concurrent;
        public int MaxConcurrent;
        public TaskCompletionSource Passivated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<object> Piped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async ValueTask OnReceiveAsync(ICounterMessage message)
        {
            var now = Interlocked.Increment(ref Concurrent);
            MaxConcurrent = Math.Max(MaxConcurrent, now);
            try
            {
                switch (message)
                {
                    case Add add:
                        var before = _value;
                        await Task.Yield();
                        _value = before + add.Amount;
                        break;
                    case Boom boom:
                        throw boom.Error;
                    case Get get:
                        get.Reply.Set(_value);
                        break;
                    case StartSlowWork slow:
                        PipeToSelf(slow.Work, r => new WorkDone(r), ex => new WorkFailed(ex));
                        break;
                    case WorkDone or WorkFailed:
                        Piped.TrySetResult(message);
                        break;
                }
            }
            finally
            {
                Interlocked.Decrement(ref Concurrent);
            }
        }

        protected override ValueTask OnRestartAsync(Exception reason)
        {
            _value = 0;
            Restarts++;
            return ValueTask.CompletedTask;
        }

        protected override ValueTask OnReceiveTimeoutAsync()
        {
            Passivated.TrySetResult();
            Stop();
            return ValueTask.CompletedTask;
        }
    }

    #endregion

    private static async Task<int> ValueOf(Counter counter)
    {
        var reply = new Reply<int>();
        await counter.TellAsync(new Get(reply), CancellationToken.None);
        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static Counter Start(Func<Exception, Directive> decider, int maxRestarts = 10, ActorSettings? settings = null)
    {
        var counter = new Counter((settings ?? new ActorSettings("counter")) with { Supervisor = new SupervisorStrategy(maxRestarts, TimeSpan.FromMinutes(1), decider) });
        counter.Start();
        return counter;
    }

    [Fact]
    public async Task Messages_from_many_senders_are_handled_one_at_a_time_without_lost_updates()
    {
        var counter = Start(SupervisorStrategy.DefaultDecider);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++) await counter.TellAsync(new Add(1), CancellationToken.None);
        })));

        Assert.Equal(800, await ValueOf(counter));
        Assert.Equal(1, counter.MaxConcurrent);
    }

    [Fact]
    public async Task Resume_keeps_the_state_and_fails_only_the_asking_caller()
    {
        var counter = Start(_ => Directive.Resume);
        await counter.TellAsync(new Add(5), CancellationToken.None);
        await counter.TellAsync(new Boom(new InvalidOperationException("bad")), CancellationToken.None);

        Assert.Equal(5, await ValueOf(counter));
    }

    [Fact]
    public async Task Restart_resets_the_state_and_keeps_serving()
    {
        var counter = Start(SupervisorStrategy.DefaultDecider);
        await counter.TellAsync(new Add(5), CancellationToken.None);
        await counter.TellAsync(new Boom(new InvalidOperationException("bad")), CancellationToken.None);

        Assert.Equal(0, await ValueOf(counter));
        Assert.Equal(1, counter.Restarts);
    }

    [Fact]
    public async Task Restarts_beyond_the_budget_stop_the_actor_and_fail_queued_asks()
    {
        var counter = Start(SupervisorStrategy.DefaultDecider, maxRestarts: 2);
        for (var i = 0; i < 3; i++) await counter.TellAsync(new Boom(new InvalidOperationException("again")), CancellationToken.None);
        await counter.Completion.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, counter.Restarts);
        await Assert.ThrowsAsync<ActorStoppedException>(() => counter.TellAsync(new Add(1), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Escalate_stops_the_actor_and_hands_the_failure_to_its_owner()
    {
        var escalated = new TaskCompletionSource<Exception>();
        var counter = Start(_ => Directive.Escalate, settings: new ActorSettings("counter") { OnEscalate = ex => escalated.TrySetResult(ex) });
        await counter.TellAsync(new Boom(new TimeoutException("up")), CancellationToken.None);

        Assert.IsType<TimeoutException>(await escalated.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        await counter.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Long_work_is_piped_back_as_a_message_while_the_mailbox_keeps_flowing()
    {
        var counter = Start(SupervisorStrategy.DefaultDecider);
        var work = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await counter.TellAsync(new StartSlowWork(work.Task), CancellationToken.None);
        await counter.TellAsync(new Add(2), CancellationToken.None);

        Assert.Equal(2, await ValueOf(counter)); // handled while the work is still running
        work.SetResult(42);
        Assert.Equal(new WorkDone(42), await counter.Piped.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Failed_long_work_comes_back_as_a_failure_message()
    {
        var counter = Start(SupervisorStrategy.DefaultDecider);
        await counter.TellAsync(new StartSlowWork(Task.FromException<int>(new IOException("disk"))), CancellationToken.None);

        var message = Assert.IsType<WorkFailed>(await counter.Piped.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.IsType<IOException>(message.Error);
    }

    [Fact]
    public async Task An_idle_actor_gets_a_receive_timeout_and_a_busy_one_does_not()
    {
        var time = new TestTimeProvider();
        var counter = Start(SupervisorStrategy.DefaultDecider, settings: new ActorSettings("counter") { ReceiveTimeout = TimeSpan.FromMinutes(1), Time = time });
        await ValueOf(counter);

        time.Advance(TimeSpan.FromMinutes(1));
        await ValueOf(counter); // activity within the window
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(counter.Passivated.Task.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));
        await counter.Passivated.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await counter.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_full_mailbox_refuses_a_tell_instead_of_growing()
    {
        var counter = new Counter(new ActorSettings("unstarted") { MailboxCapacity = 2 });

        Assert.True(counter.Tell(new Add(1)));
        Assert.True(counter.Tell(new Add(1)));
        Assert.False(counter.Tell(new Add(1)));
    }

    [Fact]
    public void The_restart_budget_refills_after_the_window()
    {
        var budget = new RestartBudget();
        var strategy = new SupervisorStrategy(2, TimeSpan.FromSeconds(10), SupervisorStrategy.DefaultDecider);
        var t0 = DateTimeOffset.UnixEpoch;

        Assert.Equal(Directive.Restart, strategy.Decide(new Exception(), budget, t0));
        Assert.Equal(Directive.Restart, strategy.Decide(new Exception(), budget, t0.AddSeconds(1)));
        Assert.Equal(Directive.Stop, strategy.Decide(new Exception(), budget, t0.AddSeconds(2)));
        Assert.Equal(Directive.Restart, strategy.Decide(new Exception(), budget, t0.AddSeconds(12)));
        Assert.Equal(Directive.Stop, strategy.Decide(new ActorInitializationException("x", new Exception()), budget, t0.AddSeconds(60)));
    }
}
