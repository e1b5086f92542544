using System.Reflection;
using System.Text.RegularExpressions;
using Forwarder.Core.Engine;

namespace Forwarder.Core.Tests.Architecture;

/// <summary>
/// The folders of Forwarder.Core are its layers: each folder is one namespace, the namespaces import one another
/// without a circle, the bottom (Frames, then Transmit) imports nothing above it, and the engine is the top,
/// imported by no folder. Dependencies are read twice: from the sources (every <c>using</c> and every qualified
/// <c>Forwarder.Core.X.</c> name) and from the compiled assembly (every type a type's signatures name).
/// </summary>
public sealed partial class FolderLayeringTests
{
    private const string Root = "Forwarder.Core";

    /// <summary>Lowest first: what each bottom folder may import.</summary>
    private static readonly Dictionary<string, string[]> Bottom = new()
    {
        ["Frames"] = [],
        ["Transmit"] = ["Frames"],
    };

    [Test]
    public void EverySourceFile_DeclaresTheNamespaceOfItsFolder()
    {
        var misplaced = SourceFiles()
            .Where(f => f.Namespace != (f.Folder.Length == 0 ? Root : $"{Root}.{f.Folder}"))
            .Select(f => $"{f.Path}: namespace {f.Namespace}")
            .ToList();

        Assert.That(misplaced, Is.Empty);
    }

    [Test]
    public void Folders_ImportEachOtherWithoutACircle_BySource()
    {
        Assert.That(FindCycle(SourceGraph()), Is.Null);
    }

    [Test]
    public void Namespaces_ReferenceEachOtherWithoutACircle_ByTheirTypes()
    {
        Assert.That(FindCycle(AssemblyGraph()), Is.Null);
    }

    [Test]
    public void BottomLayer_ImportsNothingAboveIt()
    {
        var source = SourceGraph();
        var assembly = AssemblyGraph();
        Assert.Multiple(() =>
        {
            foreach (var (folder, allowed) in Bottom)
            {
                Assert.That(source.GetValueOrDefault(folder, []).Except(allowed), Is.Empty, $"{folder} imports (sources)");
                Assert.That(assembly.GetValueOrDefault(folder, []).Except(allowed), Is.Empty, $"{folder} references (types)");
            }
        });
    }

    [Test]
    public void Engine_IsTheTop_NoFolderImportsIt()
    {
        var importers = SourceGraph().Where(p => p.Key != "Engine" && p.Value.Contains("Engine")).Select(p => p.Key);
        var referrers = AssemblyGraph().Where(p => p.Key != "Engine" && p.Value.Contains("Engine")).Select(p => p.Key);

        Assert.Multiple(() =>
        {
            Assert.That(importers, Is.Empty, "sources");
            Assert.That(referrers, Is.Empty, "types");
        });
    }

    [Test]
    public void TheGraphsSeeTheKnownEdges()
    {
        // Guards the two readers themselves: an empty graph would pass every test above.
        var source = SourceGraph();
        var assembly = AssemblyGraph();
        Assert.Multiple(() =>
        {
            Assert.That(source["Engine"], Does.Contain("Forwarding").And.Contain("Scheduling"));
            Assert.That(source["Forwarding"], Does.Contain("Transmit"));
            Assert.That(assembly["Forwarding"], Does.Contain("Transmit").And.Contain("Connections"));
            Assert.That(assembly["Scheduling"], Does.Contain("Services"));
        });
    }

    /// <summary>A circle as "A -> B -> ... -> A", or null when the graph has none.</summary>
    private static string? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(node) is { } cycle)
            {
                return cycle;
            }
        }
        return null;

        string? Visit(string node)
        {
            switch (state.GetValueOrDefault(node))
            {
                case 1:
                    return string.Join(" -> ", path.SkipWhile(n => n != node).Append(node));
                case 2:
                    return null;
            }
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static Dictionary<string, HashSet<string>> SourceGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var file in SourceFiles().Where(f => f.Folder.Length != 0))
        {
            var edges = graph.TryGetValue(file.Folder, out var set) ? set : graph[file.Folder] = [];
            foreach (Match match in CoreReference().Matches(file.Text))
            {
                if (match.Groups[1].Value != file.Folder)
                {
                    edges.Add(match.Groups[1].Value);
                }
            }
        }
        return graph;
    }

    private static Dictionary<string, HashSet<string>> AssemblyGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var type in typeof(DirectorEngine).Assembly.GetTypes())
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }
            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = [];
            foreach (var referenced in ReferencedTypes(type))
            {
                if (Folder(referenced) is { } to && to != from)
                {
                    edges.Add(to);
                }
            }
        }
        return graph;
    }

    private static string? Folder(Type type)
    {
        var name = type.Namespace ?? string.Empty;
        return name.StartsWith(Root + ".", StringComparison.Ordinal) ? name[(Root.Length + 1)..].Split('.')[0] : null;
    }

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var named = new List<Type?> { type.BaseType };
        named.AddRange(type.GetInterfaces());
        named.AddRange(type.GetFields(All).Select(f => f.FieldType));
        named.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo info)
            {
                named.Add(info.ReturnType);
            }
            named.AddRange(method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? []);
        }
        return named.OfType<Type>().SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            return Unwrap(type.GetElementType()!);
        }
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type) : [type];
    }

    private static IEnumerable<(string Path, string Folder, string Namespace, string Text)> SourceFiles()
    {
        var core = Path.Combine(RepositoryRoot(), "src", Root);
        foreach (var path in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(core, path);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }
            var text = File.ReadAllText(path);
            var folder = Path.GetDirectoryName(relative)!.Replace(Path.DirectorySeparatorChar, '.');
            var declared = DeclaredNamespace().Match(text);
            yield return (relative, folder, declared.Success ? declared.Groups[1].Value : string.Empty, text);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Forwarder.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("Forwarder.sln not found above the test directory");
    }

    [GeneratedRegex(@"\bForwarder\.Core\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex CoreReference();

    [GeneratedRegex(@"^namespace ([A-Za-z.]+);", RegexOptions.Multiline)]
    private static partial Regex DeclaredNamespace();
}
