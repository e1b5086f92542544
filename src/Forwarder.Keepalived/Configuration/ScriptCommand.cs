using System.Diagnostics;

namespace Forwarder.Keepalived.Configuration;

/// <summary>A script keepalived runs (notify_up, quorum_down, misc_path): the program and its arguments, run without a shell.</summary>
public sealed record ScriptCommand(IReadOnlyList<string> Words)
{
    public string Program => Words[0];

    /// <summary>
    /// Starts the script without a shell, its output read and discarded (so a chatty script never blocks on a full
    /// pipe) and its standard input closed. Throws <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.
    /// </summary>
    public Process Start()
    {
        var start = new ProcessStartInfo(Program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in Words.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return process;
    }

    public override string ToString() => string.Join(' ', Words);
}
