namespace Mix2Api.Actors.Singleton;

/// <summary>Akka.Hosting registry key of the token manager singleton's proxy (<c>IRequiredActor&lt;TokenManagerKey&gt;</c>).</summary>
public sealed class TokenManagerKey;
