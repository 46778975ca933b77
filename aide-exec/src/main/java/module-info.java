/** Runs generated programs as local processes, in a bubblewrap sandbox where it can. */
module dev.aide.exec {
  requires transitive dev.aide.core;
  requires org.slf4j;

  exports dev.aide.exec;

  provides dev.aide.core.exec.ExecutorProvider with
      dev.aide.exec.ProcessExecutorProvider;
}
