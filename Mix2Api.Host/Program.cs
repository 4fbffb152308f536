using Mix2Api.Host.Hosting;

return await Mix2ApiHost.RunAsync(args);
