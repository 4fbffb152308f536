namespace Mix2Api.Host.Hosting;

/// <summary>
/// One configuration setting: the Node adapter's environment name (kept so deployments start
/// unchanged), the .NET-style path (<c>Mix2Api:Upstream:BaseUrl</c>, env <c>Mix2Api__Upstream__BaseUrl</c>),
/// its default and what it does. <see cref="SettingKeys.All"/> is the single list the README table
/// is checked against.
/// </summary>
public sealed record SettingKey(string Env, string Path, string Default, string Description);
