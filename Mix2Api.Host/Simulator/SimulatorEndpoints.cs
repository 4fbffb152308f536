using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Mix2Api.Host.Simulator;

public static class SimulatorEndpoints
{
    /// <summary>Maps the simulator's chat and token routes (paths from its options) into an existing app.</summary>
    public static IEndpointRouteBuilder MapUpstreamSimulator(this IEndpointRouteBuilder endpoints, UpstreamSimulator simulator)
    {
        endpoints.MapPost(simulator.Options.ChatPath, simulator.HandleChatAsync);
        endpoints.MapMethods(simulator.Options.TokenPath, ["POST", "GET"], simulator.HandleTokenAsync);
        return endpoints;
    }
}
