using System.Net;

namespace Mix2Api.Host.Simulator;

/// <summary>Settings of one simulator instance. Defaults match the real upstream's paths.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Chat route (POST). The broker's <c>UPSTREAM_CHAT_PATH</c> default.</summary>
    public string ChatPath { get; init; } = "/v2/chats";

    /// <summary>Token route (POST and GET). The broker's <c>UPSTREAM_TOKEN_PATH</c> default.</summary>
    public string TokenPath { get; init; } = "/v2/token";

    /// <summary>Address to listen on; loopback so that nothing outside the machine can reach it.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port (tests); a fixed port suits curl users of the embedded default.</summary>
    public int Port { get; init; }

    /// <summary>
    /// While a started stream waits (delay, gate) longer than this, a <c>: keep-alive</c> comment is written.
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables them. A script can override it.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Lifetime of issued tokens (<c>expires_in</c>); can be changed later on <see cref="UpstreamSimulator.TokenLifetime"/>.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Initial value of <see cref="UpstreamSimulator.RequireToken"/>.</summary>
    public bool RequireToken { get; init; }

    /// <summary>
    /// How many requests and exchanges are kept for inspection (oldest dropped first), so that a
    /// long-running embedded simulator or a 10,000-stream benchmark does not grow without bound. 0 keeps none.
    /// </summary>
    public int RecordLimit { get; init; } = 10_000;

    /// <summary>Clock for delays, token expiry and timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// When set, every chat request that passes the token and body checks first draws a fault from this mix
    /// (before directives, queued and default scripts); a request that draws none is served as usual.
    /// </summary>
    public SimFaultMix? FaultMix { get; init; }

    /// <summary>How long <see cref="SimulatorServer.DisposeAsync"/> waits for in-flight requests after cancelling them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
