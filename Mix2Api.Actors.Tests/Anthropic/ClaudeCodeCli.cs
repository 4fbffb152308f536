using System.Diagnostics;
using System.Text;

namespace Mix2Api.Tests.Anthropic;

/// <summary>
/// Runs the real Claude Code CLI (<c>@anthropic-ai/claude-code</c>, installed by <c>./test</c> into the
/// git-ignored <c>.tools/claude-code</c>) in print mode against a base URL, with a throw-away HOME and
/// nothing from the caller's environment that could point it elsewhere.
/// </summary>
public static class ClaudeCodeCli
{
    public const string Version = "2.1.328";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(180);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The CLI's path; <c>CLAUDE_CODE_CLI</c> overrides the repository's <c>.tools</c> install.</summary>
    public static string Path()
    {
        if (Environment.GetEnvironmentVariable("CLAUDE_CODE_CLI") is { Length: > 0 } explicitPath) return explicitPath;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) continue;
            var cli = System.IO.Path.Combine(dir.FullName, ".tools", "claude-code", "node_modules", ".bin", "claude");
            if (File.Exists(cli)) return cli;
            break;
        }
        throw new InvalidOperationException(
            $"the Claude Code CLI is not installed: run ./test (it installs @anthropic-ai/claude-code@{Version} into .tools/claude-code), "
            + $"or: npm install --prefix .tools/claude-code @anthropic-ai/claude-code@{Version}");
    }

    public static async Task<Result> PrintAsync(Uri baseUrl, string apiKey, string prompt, string workDir)
    {
        var home = Directory.CreateTempSubdirectory("mix2api-claude-home-");
        try
        {
            var start = new ProcessStartInfo(Path())
            {
                WorkingDirectory = workDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add("-p");
            start.ArgumentList.Add(prompt);
            foreach (var key in start.Environment.Keys.ToList())
                if (key.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || key.StartsWith("CLAUDE", StringComparison.Ordinal)
                    || key.StartsWith("OTEL_", StringComparison.Ordinal) || key is "HTTP_PROXY" or "HTTPS_PROXY" or "http_proxy" or "https_proxy")
                    start.Environment.Remove(key);
            start.Environment["HOME"] = home.FullName;
            start.Environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(home.FullName, ".config");
            start.Environment["ANTHROPIC_BASE_URL"] = baseUrl.ToString().TrimEnd('/');
            start.Environment["ANTHROPIC_API_KEY"] = apiKey;
            start.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
            start.Environment["DISABLE_AUTOUPDATER"] = "1";
            start.Environment["NO_PROXY"] = "127.0.0.1,localhost";

            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(RunTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"claude -p did not finish within {RunTimeout}: {await stderr}");
            }
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
