using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// Managed upstream auth on an Akka.Hosting actor system, in two calls:
/// <code>
///   services.AddManagedCredentials(tokenOptions);                       // ICredentialProvider + this node's replica
///   services.AddAkka("mix2api", b => b.WithClustering(…).WithTokenManager(tokenOptions));
/// </code>
/// The system needs Akka.Cluster (the singleton and DistributedData run on it).
/// </summary>
public static class TokenManagerHosting
{
    /// <summary>Name of the singleton manager actor (<c>/user/token-manager</c>) and of its proxy.</summary>
    public const string SingletonName = "token-manager";

    /// <summary>Registers <see cref="ManagedCredentialProvider"/> as the <see cref="ICredentialProvider"/>, and the node's <see cref="TokenReplica"/>.</summary>
    public static IServiceCollection AddManagedCredentials(this IServiceCollection services, TokenOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenReplica>();
        services.AddSingleton(sp => new ManagedCredentialProvider(
            sp.GetRequiredService<TokenReplica>(),
            sp.GetRequiredService<IRequiredActor<TokenManagerKey>>().GetAsync,
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ManagedCredentialProvider>>()));
        services.AddSingleton<ICredentialProvider>(sp => sp.GetRequiredService<ManagedCredentialProvider>());
        return services;
    }

    /// <summary>
    /// The <see cref="TokenManager"/> as a cluster singleton (on nodes with <paramref name="role"/>, or any node),
    /// its proxy registered as <see cref="TokenManagerKey"/>, and this node's <see cref="TokenReplicaSubscriber"/>.
    /// Needs <see cref="AddManagedCredentials"/> on the same service collection.
    /// </summary>
    public static AkkaConfigurationBuilder WithTokenManager(this AkkaConfigurationBuilder builder, TokenOptions options, string? role = null)
    {
        _ = options.ResolveTokenUrl();
        builder.WithSingleton<TokenManagerKey>(SingletonName, (_, _, resolver) =>
        {
            var time = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
            var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
            return TokenManager.CreateProps(options, new TokenFetcher(options, http, time), time);
        }, new ClusterSingletonOptions { Role = role }, createProxyToo: true);
        builder.WithActors((system, _, resolver) =>
            system.ActorOf(TokenReplicaSubscriber.CreateProps(resolver.GetService<TokenReplica>()), "token-replica"));
        return builder;
    }
}
