using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Diagnostics;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// The upstream credential in managed mode, run as a cluster singleton (one in the cluster at a time): logs in,
/// renews ahead of expiry, answers forced refreshes after a rejection with one login for all who ask while it
/// runs, and backs off after failed logins. Every token it gets is written to DistributedData, so each node
/// reads it locally and a new incarnation (hand-over after a node stops or dies) starts from the replica
/// instead of logging in again.
/// <code>
///   Loading ──replica read (or none)──► Ready
///   Ready: GetToken / RefreshAfterRejection ──(no usable token)──► login ──LoginSucceeded / LoginFailed──► Ready
/// </code>
/// The login never runs inside a handler: it is piped back as <see cref="LoginSucceeded"/> or <see cref="LoginFailed"/>.
/// </summary>
public sealed class TokenManager : ReceiveActor, IWithTimers, IWithStash
{
    private const string RenewTimer = "renew";
    private static readonly TimeSpan ReplicaTimeout = TimeSpan.FromSeconds(3);

    private readonly TokenOptions _options;
    private readonly TokenFetcher _fetcher;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IActorRef> _waiters = [];
    private TokenRecord? _current;
    private LoginBackoff _backoff = LoginBackoff.None;
    private bool _loggingIn;
    private int _loginAttempts;
    private string? _lastError;

    public TokenManager(TokenOptions options, TokenFetcher fetcher, TimeProvider time)
    {
        _options = options;
        _fetcher = fetcher;
        _time = time;
        Loading();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props CreateProps(TokenOptions options, TokenFetcher fetcher, TimeProvider time)
        => Props.Create(() => new TokenManager(options, fetcher, time));

    private DateTimeOffset Now => _time.GetUtcNow();

    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(TokenReplication.Key, Self));
        _replicator.Tell(Dsl.Get(TokenReplication.Key, new ReadMajority(ReplicaTimeout)));
    }

    protected override void PostStop()
    {
        // A hand-over mid-login: those waiting get an answer now instead of their ask timing out.
        foreach (var waiter in _waiters) waiter.Tell(new TokenUnavailable("Managed upstream token manager is moving to another node"));
        _waiters.Clear();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void Loading()
    {
        Receive<GetSuccess>(success => Loaded(success.Get(TokenReplication.Key).Value));
        Receive<NotFound>(_ => Loaded(null));
        // No majority answered in time (a node just left): what this node holds is the best there is.
        Receive<GetFailure>(_ => _replicator.Tell(Dsl.Get(TokenReplication.Key, ReadLocal.Instance)));
        Receive<Changed>(Adopt);
        ReceiveAny(_ => Stash.Stash());
    }

    private void Loaded(TokenRecord? replicated)
    {
        if (replicated is not null) Adopt(replicated);
        _log.Info("Token manager started on {0}: replicated token={1} generation={2} usable={3}", _cluster.SelfAddress,
            _current?.Fingerprint ?? "none", _current?.Generation ?? 0, _current?.IsUsable(Now, _options.ExpirySkew) ?? false);
        Become(Ready);
        Stash.UnstashAll();
        if (_current is null || !_current.IsUsable(Now, _options.ExpirySkew)) StartLogin();
        else ScheduleRenewal(_current);
    }

    private void Ready()
    {
        Receive<GetToken>(_ =>
        {
            if (_current is { } current && current.IsUsable(Now, _options.ExpirySkew)) Sender.Tell(new TokenIssued(current));
            else Demand(Sender);
        });
        Receive<RefreshAfterRejection>(rejection =>
        {
            if (_current is { } current && current.Fingerprint != rejection.RejectedFingerprint && current.IsUsable(Now, _options.ExpirySkew))
                Sender.Tell(new TokenIssued(current));
            else Demand(Sender);
        });
        Receive<LoginSucceeded>(OnLoginSucceeded);
        Receive<LoginFailed>(OnLoginFailed);
        Receive<RenewDue>(_ => OnRenewDue());
        Receive<Changed>(Adopt);
        Receive<GetTokenStatus>(_ => Sender.Tell(Status()));
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateResponse>(failure => _log.Warning("Token replication incomplete ({0}); gossip will finish it", failure.GetType().Name));
        Receive<GetSuccess>(_ => { });
    }

    /// <summary>
    /// The timer fired for a renewal or for the retry after a backoff. A token adopted meanwhile (or a timer that
    /// fires a little early) may mean it is not due yet: then wait for the rest.
    /// </summary>
    private void OnRenewDue()
    {
        if (_loggingIn) return;
        if (_current is { } current && current.IsUsable(Now, _options.ExpirySkew))
        {
            var wait = RenewalSchedule.DelayFrom(current, _options.ExpirySkew, Now);
            if (wait is null) return;
            if (wait > TimeSpan.Zero)
            {
                Timers.StartSingleTimer(RenewTimer, RenewDue.Instance, wait.Value);
                return;
            }
        }
        StartLogin();
    }

    /// <summary>Someone needs a token the manager does not have: join the login in flight, or start one unless backing off.</summary>
    private void Demand(IActorRef asker)
    {
        if (_loggingIn)
        {
            _waiters.Add(asker);
            return;
        }
        if (_backoff.IsActive(Now))
        {
            asker.Tell(new TokenUnavailable($"Managed upstream login failed recently ({_lastError}); next attempt after {_backoff.Until:O}"));
            return;
        }
        _waiters.Add(asker);
        StartLogin();
    }

    private void StartLogin()
    {
        _loggingIn = true;
        _loginAttempts++;
        _fetcher.LoginAsync(_stopping.Token).PipeTo(Self,
            success: fetched => new LoginSucceeded(fetched),
            failure: ex => new LoginFailed(ex is UpstreamCredentialException ? ex.Message : $"Managed upstream token fetch failed: {ex.GetType().Name}"));
    }

    private void OnLoginSucceeded(LoginSucceeded succeeded)
    {
        _loggingIn = false;
        _backoff = LoginBackoff.None;
        _lastError = null;
        var token = new TokenRecord(succeeded.Fetched.Token, (_current?.Generation ?? 0) + 1, succeeded.Fetched.ExpiresAt, Now,
            _cluster.SelfAddress.ToString());
        _current = token;
        ActorsTelemetry.TokenLogins.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        _log.Info("Upstream login ok: token={0} generation={1} expiresAt={2}", token.Fingerprint, token.Generation,
            token.ExpiresAt?.ToString("O") ?? "unknown");
        _replicator.Tell(TokenReplication.Publish(_cluster.SelfUniqueAddress, token, new WriteMajority(ReplicaTimeout)));
        Reply(new TokenIssued(token));
        ScheduleRenewal(token);
    }

    private void OnLoginFailed(LoginFailed failed)
    {
        _loggingIn = false;
        _backoff = _backoff.Failed(Now, _options.LoginBackoff, _options.LoginBackoffMax);
        _lastError = failed.Reason;
        ActorsTelemetry.TokenLogins.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        _log.Warning("Upstream login failed: {0}; next attempt not before {1:O}", failed.Reason, _backoff.Until);
        Reply(new TokenUnavailable(failed.Reason));
        Timers.StartSingleTimer(RenewTimer, RenewDue.Instance, _backoff.Until - Now);
    }

    /// <summary>A newer token replicated by another incarnation (a hand-over, or both halves of a split): take it, never an older one.</summary>
    private void Adopt(Changed changed) => Adopt(changed.Get(TokenReplication.Key).Value);

    private void Adopt(TokenRecord token)
    {
        if (_current is not null && _current.Generation >= token.Generation) return;
        _current = token;
        if (!_loggingIn && !_backoff.IsActive(Now)) ScheduleRenewal(token);
    }

    private void ScheduleRenewal(TokenRecord token)
    {
        if (RenewalSchedule.DelayFrom(token, _options.ExpirySkew, Now) is { } delay) Timers.StartSingleTimer(RenewTimer, RenewDue.Instance, delay);
        else Timers.Cancel(RenewTimer);
    }

    private void Reply(object reply)
    {
        foreach (var waiter in _waiters) waiter.Tell(reply);
        _waiters.Clear();
    }

    private TokenStatus Status() => new(_cluster.SelfAddress.ToString(), _current?.Fingerprint, _current?.Generation ?? 0, _current?.ExpiresAt,
        _current?.FetchedAt, _loggingIn, _loginAttempts, _lastError, _backoff.IsActive(Now) ? _backoff.Until : null);
}
