/* A perfectly good shared library that is not a Bourse plugin: no bourse_module_entry. */
__attribute__((visibility("default"))) int not_a_plugin(void) {
    return 42;
}
