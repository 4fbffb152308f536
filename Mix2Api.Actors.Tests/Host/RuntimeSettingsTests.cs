using Mix2Api.Host.Hosting;

namespace Mix2Api.Tests.Host;

/// <summary>
/// Which environment-only runtime settings a node starts again with (<see cref="RuntimeSettings.MissingDefaults"/>):
/// the published host adds the ones its environment does not set, under either name the runtime reads, and never
/// twice; MIX2API_RUNTIME_DEFAULTS turns that off or on for any build, and anything else in it is a start-up error.
/// The restart itself is proven on a node process (<see cref="Cluster.RuntimeDefaultsProcessTests"/>).
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static (IReadOnlyList<(string Name, string Value)> Missing, string? Error) Missing(bool published, params (string Key, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Key, e => e.Value);
        return RuntimeSettings.MissingDefaults(name => variables.GetValueOrDefault(name), published);
    }

    [Fact]
    public void The_published_host_adds_every_default_its_environment_does_not_set()
    {
        var (missing, error) = Missing(published: true);

        Assert.Null(error);
        Assert.Equal([("DOTNET_TC_CallCountingDelayMs", "0"), ("DOTNET_GCgen0size", "0x1000000"), ("DOTNET_TC_BackgroundWorkerTimeoutMs", "ffffffff")], missing);
    }

    [Fact]
    public void A_setting_the_environment_gives_under_either_name_is_left_as_it_is()
    {
        Assert.Equal([("DOTNET_GCgen0size", "0x1000000"), ("DOTNET_TC_BackgroundWorkerTimeoutMs", "ffffffff")], Missing(published: true, ("DOTNET_TC_CallCountingDelayMs", "100")).Missing);
        Assert.Equal([("DOTNET_TC_CallCountingDelayMs", "0"), ("DOTNET_TC_BackgroundWorkerTimeoutMs", "ffffffff")], Missing(published: true, ("COMPlus_GCgen0size", "0x4000000")).Missing);
        Assert.Empty(Missing(published: true, ("DOTNET_TC_CallCountingDelayMs", "0"), ("DOTNET_GCgen0size", "0x1000000"),
            ("COMPlus_TC_BackgroundWorkerTimeoutMs", "1000")).Missing);
    }

    [Fact]
    public void A_build_that_is_not_the_published_host_runs_with_its_environment_unless_asked()
    {
        Assert.Empty(Missing(published: false).Missing);
        Assert.Equal(3, Missing(published: false, (RuntimeSettings.DefaultsSwitch, "1")).Missing.Count);
        Assert.Equal(3, Missing(published: false, (RuntimeSettings.DefaultsSwitch, " TRUE ")).Missing.Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    public void The_switch_turns_the_defaults_off_for_the_published_host(string value)
    {
        var (missing, error) = Missing(published: true, (RuntimeSettings.DefaultsSwitch, value));

        Assert.Null(error);
        Assert.Empty(missing);
    }

    [Fact]
    public void A_node_that_already_started_again_never_starts_a_third_time()
    {
        // Whatever is still missing then could not be set; starting again would loop.
        var (missing, error) = Missing(published: true, (RuntimeSettings.AppliedMarker, "DOTNET_GCgen0size=0x1000000"));

        Assert.Null(error);
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    public void Any_other_switch_value_is_a_start_up_error_that_names_the_variable_and_the_value(string value)
    {
        var (missing, error) = Missing(published: true, (RuntimeSettings.DefaultsSwitch, value));

        Assert.Empty(missing);
        Assert.Equal($"MIX2API_RUNTIME_DEFAULTS must be 0 or 1 (got '{value}')", error);
    }
}
