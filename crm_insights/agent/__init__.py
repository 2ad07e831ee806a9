"""The LangGraph agent, chat-model resolution and the offline router."""
