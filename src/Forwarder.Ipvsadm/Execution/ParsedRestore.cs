using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// A -R input read and checked line by line, before any table is looked at: its commands with their line numbers,
/// and the services they name before any -C (the only ones a trial needs to copy: a -C leaves none of the others).
/// Made on any thread.
/// </summary>
internal sealed class ParsedRestore
{
    public ParsedRestore(IReadOnlyList<(int LineNumber, IpvsadmCommand Command)> commands)
    {
        Commands = commands;
        var named = new HashSet<ServiceKey>();
        foreach (var (_, command) in commands)
        {
            if (command.Kind == IpvsadmCommandKind.Clear)
            {
                break;
            }
            if (command.Service is { } key)
            {
                named.Add(key);
            }
        }
        NamedServices = named;
    }

    public IReadOnlyList<(int LineNumber, IpvsadmCommand Command)> Commands { get; }

    public IReadOnlySet<ServiceKey> NamedServices { get; }
}
