using System.Diagnostics;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>
/// <c>forwarder ipvsadm ARGS...</c> as a real process (the forwarder.dll built beside these tests), bounded in
/// time: one that outlives its limit is killed by its PID and the test fails.
/// </summary>
public static class ForwarderClientProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static Task<IpvsadmResult> RunAsync(string standardInput, params string[] arguments) =>
        RunAsync(standardInput, null, arguments);

    /// <param name="environment">Variables set for the process (FORWARDER_SOCKET is removed unless given here).</param>
    public static async Task<IpvsadmResult> RunAsync(string standardInput, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "forwarder.dll"));
        start.ArgumentList.Add("ipvsadm");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove(ControlSocketPath.EnvironmentVariable);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        try
        {
            using var limit = new CancellationTokenSource(Limit);
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), limit.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(limit.Token);
            return new IpvsadmResult(process.ExitCode, await output, await errors);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"forwarder ipvsadm {string.Join(' ', arguments)} did not end within {Limit.TotalSeconds} s");
            throw;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
