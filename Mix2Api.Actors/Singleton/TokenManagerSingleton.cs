using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Coordination;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Runtime;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// The cluster singleton that keeps the upstream token fresh: one node holds the lease and logs in, renews at
/// expiry − 2 × skew and publishes through the store; the others wait in Acquiring and take over when the
/// holder's lease runs out. Lease and login results return through the mailbox, never awaited in a handler:
/// <code>
///   Acquiring ──LeaseAcquired──► Active ──HandOver──► HandingOver ──HandedOver──► Stopped
///      ▲  │ LeaseNotAcquired        │ LeaseLost
///      │  └─(retry after heartbeat)─┘
///      └──────────────────────────────┘
/// </code>
/// </summary>
public sealed class TokenManagerSingleton : ReceiveActor<ITokenManagerMessage>
{
    private readonly Lease _lease;
    private readonly TokenRefresher _refresher;
    private readonly TokenOptions _options;
    private ITimer? _timer;
    private bool _renewing;
    private Reply<bool>? _handOver;

    public TokenManagerSingleton(Lease lease, TokenRefresher refresher, TokenOptions options, ActorSettings settings) : base(settings)
    {
        _lease = lease;
        _refresher = refresher;
        _options = options;
    }

    public TokenManagerState State { get; private set; } = TokenManagerState.Acquiring;

    /// <summary>Raised on every state change (for health and tests).</summary>
    public event Action<TokenManagerState>? StateChanged;

    protected override ValueTask PreStartAsync()
    {
        Tell(TryAcquireLease.Instance);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask PostStopAsync()
    {
        _timer?.Dispose();
        Become(TokenManagerState.Stopped);
        _handOver?.Set(false);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnReceiveAsync(ITokenManagerMessage message)
    {
        switch (State, message)
        {
            case (TokenManagerState.Acquiring, TryAcquireLease):
                PipeToSelf(_lease.AcquireAsync(ex => Tell(new LeaseLost(ex)), CancellationToken.None),
                    ok => ok ? new LeaseAcquired(_lease.Fencing) : new LeaseNotAcquired(null),
                    ex => new LeaseNotAcquired(ex));
                break;
            case (TokenManagerState.Acquiring, LeaseAcquired acquired):
                Log.TokenLease("acquired", _lease.Settings.Owner, acquired.Fencing);
                Become(TokenManagerState.Active);
                Tell(RenewDue.Instance);
                break;
            case (TokenManagerState.Acquiring, LeaseNotAcquired failed):
                if (failed.Error is not null) Log.TokenSingletonProblem(failed.Error, "lease acquisition failed");
                Schedule(TryAcquireLease.Instance, _lease.Settings.HeartbeatInterval);
                break;
            case (TokenManagerState.Active, RenewDue):
                if (_renewing) break;
                _renewing = true;
                PipeToSelf(Renew(), token => new TokenRenewed(token), ex => new TokenRenewFailed(ex));
                break;
            case (TokenManagerState.Active, TokenRenewed renewed):
                _renewing = false;
                ScheduleRenewal(renewed.Token);
                break;
            case (TokenManagerState.Active, TokenRenewFailed failed):
                _renewing = false;
                Log.TokenSingletonProblem(failed.Error, "renewal failed; retrying after the login backoff");
                Schedule(RenewDue.Instance, _options.LoginBackoff);
                break;
            case (TokenManagerState.Active, LeaseLost lost):
                Log.TokenSingletonProblem(lost.Reason, "lease lost; back to acquiring");
                _renewing = false;
                Become(TokenManagerState.Acquiring);
                Schedule(TryAcquireLease.Instance, _lease.Settings.HeartbeatInterval);
                break;
            case (TokenManagerState.Acquiring or TokenManagerState.Active, HandOver handOver):
                _handOver = handOver.Reply;
                _timer?.Dispose();
                Become(TokenManagerState.HandingOver);
                PipeToSelf(_lease.ReleaseAsync(), released => new HandedOver(released), _ => new HandedOver(false));
                break;
            case (TokenManagerState.HandingOver, HandedOver done):
                Log.TokenLease(done.Released ? "released" : "not held at hand-over", _lease.Settings.Owner, 0);
                _handOver?.Set(done.Released);
                _handOver = null;
                Stop();
                break;
            default:
                // Results that arrive after a state change (a renewal finishing after the lease was lost) are stale.
                break;
        }
        return ValueTask.CompletedTask;
    }

    private async Task<SharedToken> Renew()
    {
        var current = await _refresher.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        if (current is not null && !RenewalDue(current)) return current;
        return await _refresher.RefreshAsync(current?.Generation ?? 0, CancellationToken.None).ConfigureAwait(false);
    }

    private bool RenewalDue(SharedToken token)
        => token.ExpiresAt != 0 && Time.GetUtcNow().ToUnixTimeMilliseconds() >= RenewAt(token);

    private long RenewAt(SharedToken token) => token.ExpiresAt - 2 * (long)_options.ExpirySkew.TotalMilliseconds;

    private void ScheduleRenewal(SharedToken token)
    {
        // Unknown expiry: look again every lease TTL in case another node published a token that has one.
        var wait = token.ExpiresAt == 0
            ? _options.LeaseTtl
            : TimeSpan.FromMilliseconds(Math.Max(RenewAt(token) - Time.GetUtcNow().ToUnixTimeMilliseconds(), 1_000));
        Schedule(RenewDue.Instance, wait);
    }

    private void Schedule(ITokenManagerMessage message, TimeSpan after)
    {
        _timer?.Dispose();
        _timer = Time.CreateTimer(_ => Tell(message), null, after, Timeout.InfiniteTimeSpan);
    }

    private void Become(TokenManagerState next)
    {
        if (State == next) return;
        State = next;
        StateChanged?.Invoke(next);
    }
}
